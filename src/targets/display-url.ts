/**
 * A target URL safe to print, log and store in the delivery log: user info, query string and
 * fragment removed, because they often carry tokens.
 *
 * @example
 * displayUrl('https://user:pw@hooks.example.com/in?token=abc'); // 'https://hooks.example.com/in?…'
 */
export function displayUrl(raw: string): string {
  if (!URL.canParse(raw)) return '(invalid URL)';
  const url = new URL(raw);
  const query = url.search ? '?…' : '';
  return `${url.protocol}//${url.host}${url.pathname}${query}`;
}
