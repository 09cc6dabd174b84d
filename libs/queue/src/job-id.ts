import { InvalidEventError } from '@gaesession/events';

/**
 * BullMQ refuses custom job ids that contain `:` (its key separator) or that read back as an
 * integer (`String(parseInt(id, 10)) === id`, which would clash with its own counter ids). Event
 * ids are `<base64url key>.<version>`, which is already safe and maps to itself; anything else is
 * percent-escaped so the mapping stays deterministic and reversible.
 */
export function jobIdOf(eventId: string): string {
  if (eventId === '') throw new InvalidEventError('event id is empty');
  const escaped = eventId.replaceAll('%', '%25').replaceAll(':', '%3A');
  return readsAsInteger(escaped) ? escapeChar(escaped.charAt(0)) + escaped.slice(1) : escaped;
}

function readsAsInteger(id: string): boolean {
  return String(Number.parseInt(id, 10)) === id;
}

function escapeChar(char: string): string {
  return `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
}
