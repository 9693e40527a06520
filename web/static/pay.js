// The buyer's payment page: a countdown from the server's time, and the panel kept current.
// The remaining time is (expiresAt - server now) minus the time elapsed here, measured with
// performance.now(): the buyer's wall clock is never read, so a wrong clock shows the right time.
(() => {
  const root = document.getElementById('pay-page');
  if (!root) return;
  const POLL_MS = 1500;
  const FINAL = ['paid', 'expired', 'cancelled'];
  let remainingMs = 0;
  let syncedAt = performance.now();
  let version = '';

  function sync(serverNow, expiresAt) {
    remainingMs = expiresAt ? Date.parse(expiresAt) - Date.parse(serverNow) : 0;
    syncedAt = performance.now();
  }

  function render() {
    const countdown = document.getElementById('countdown');
    if (!countdown) return;
    const left = Math.max(0, Math.floor((remainingMs - (performance.now() - syncedAt)) / 1000));
    countdown.textContent = `${String(Math.floor(left / 60)).padStart(2, '0')}:${String(left % 60).padStart(2, '0')}`;
  }

  async function poll() {
    try {
      const response = await fetch(root.dataset.stateUrl, {
        headers: { accept: 'application/json' },
        cache: 'no-store',
      });
      if (response.ok) {
        const state = await response.json();
        sync(state.now, state.expiresAt);
        if (state.version !== version) {
          const panel = document.getElementById('panel');
          if (panel) panel.outerHTML = state.panel;
          version = state.version;
        }
        render();
      }
    } catch {
      // Offline for a moment: keep counting, try again at the next tick.
    }
    // Paid, expired and cancelled are final: nothing left to watch.
    if (!FINAL.includes(document.getElementById('panel')?.dataset.state)) setTimeout(poll, POLL_MS);
  }

  sync(root.dataset.serverNow, root.dataset.expiresAt);
  version = document.getElementById('panel')?.dataset.version ?? '';
  render();
  setInterval(render, 250);
  setTimeout(poll, POLL_MS);
})();
