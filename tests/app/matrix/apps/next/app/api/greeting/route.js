// The API the browser calls: the greeting service's answer, passed through as is.
export async function GET() {
  const upstream = await fetch(`${process.env.GREETING_API}/api/greeting`, { cache: 'no-store' });
  return new Response(await upstream.text(), {
    status: upstream.status,
    headers: { 'content-type': upstream.headers.get('content-type') ?? 'text/plain' },
  });
}
