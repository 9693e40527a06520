/** What `npm start` prints about the web pages, under the API's lines. */
export function webBanner(base: string, adminKey: string, generated: boolean): string {
  return [
    `  payment pages: ${base}/pay/<order id>?t=… (every order's paymentUrl)`,
    `  operator console: ${base}/admin`,
    `  admin key${generated ? ' (generated, kept in the data folder)' : ''}: ${adminKey}`,
    '',
    '',
  ].join('\n');
}
