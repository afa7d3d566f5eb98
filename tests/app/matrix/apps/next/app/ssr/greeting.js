// The greeting, fetched by the server components from the greeting service itself (`hold`:
// the service answers when the test lets it, to watch the page stream), and by the client
// components through the app's own /api/greeting.
export async function serverGreeting({ hold = false } = {}) {
  const r = await fetch(`${process.env.GREETING_API}/api/greeting${hold ? '?hold=1' : ''}`, { cache: 'no-store' });
  if (!r.ok) throw new Error(`HTTP ${r.status}`);
  return r.json();
}

export async function clientGreeting() {
  const r = await fetch('/api/greeting');
  if (!r.ok) throw new Error(`HTTP ${r.status}`);
  return r.json();
}
