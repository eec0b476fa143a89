/** One server-sent event as a browser's EventSource would see it. */
export interface SseEvent {
  id: string | undefined;
  event: string | undefined;
  data: string;
}

export interface SseConnection {
  status: number;
  events: SseEvent[];
  close(): void;
}

/**
 * Opens a server-sent-events stream with fetch and parses frames as EventSource does (the test
 * can set Last-Event-ID itself, which a browser does on its own reconnects).
 */
export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
  const events: SseEvent[] = [];
  const connection = { status: response.status, events, close: () => controller.abort() };
  if (!response.ok || !response.body) return connection;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields: Record<string, string> = {};
          for (const line of frame.split('\n')) {
            if (line.startsWith(':')) continue;
            const colon = line.indexOf(':');
            if (colon < 0) continue;
            const name = line.slice(0, colon);
            const text = line.slice(colon + 1).replace(/^ /, '');
            fields[name] = name === 'data' && fields.data !== undefined ? `${fields.data}\n${text}` : text;
          }
          if (fields.data !== undefined) events.push({ id: fields.id, event: fields.event, data: fields.data });
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return connection;
}
