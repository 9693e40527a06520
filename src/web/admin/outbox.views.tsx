import type { OutboxEntry } from '../../app/operator/ports.ts';
import { AdminLayout, Csrf, when } from './layout.tsx';

export function OutboxPage(props: { csrf: string; tenantId: string; parked: OutboxEntry[] }) {
  return (
    <AdminLayout title="Parked outbox events" csrf={props.csrf} tenantId={props.tenantId}>
      <p class="muted">
        Events whose delivery failed too often. Unparking one puts it back in line; the order's
        later events wait behind it.
      </p>
      {props.parked.length === 0 ? (
        <p id="no-parked">No parked events.</p>
      ) : (
        <div class="table-scroll">
          <table id="parked">
            <thead>
              <tr>
                <th scope="col">Type</th>
                <th scope="col">Aggregate</th>
                <th scope="col">Written</th>
                <th scope="col">Last error</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {props.parked.map((event) => (
                <tr data-event-id={event.id}>
                  <td>{event.type}</td>
                  <td>
                    <code>{event.aggregateId}</code>
                  </td>
                  <td>{when(event.createdAt)}</td>
                  <td>{event.lastError ?? ''}</td>
                  <td>
                    <form method="post" action={`/admin/outbox/${event.id}/unpark`}>
                      <Csrf token={props.csrf} />
                      <button type="submit" aria-label={`Unpark ${event.type} ${event.id}`}>
                        Unpark
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </AdminLayout>
  );
}
