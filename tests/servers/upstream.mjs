// A JSON upstream on 127.0.0.1 that counts its hits (the "network" of the runtime tests).
import { createServer } from 'node:http';

export async function startUpstream() {
  const upstream = { hits: 0, url: '', server: createServer((req, res) => {
    upstream.hits += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ greeting: 'hello from upstream', hit: upstream.hits }));
  }) };
  await new Promise((ready) => upstream.server.listen(0, '127.0.0.1', ready));
  upstream.url = `http://127.0.0.1:${upstream.server.address().port}/greeting`;
  return upstream;
}
