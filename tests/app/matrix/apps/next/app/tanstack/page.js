// The same page with @tanstack/react-query, to compare the client JS it loads.
import TanstackGreeting from './TanstackGreeting';

export default function TanstackHome() {
  return (
    <main>
      <h1>TanStack Query + Next.js</h1>
      <TanstackGreeting />
    </main>
  );
}
