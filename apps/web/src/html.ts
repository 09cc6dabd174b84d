/** Text made safe for HTML, in element content and in quoted attributes alike. */
export function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
