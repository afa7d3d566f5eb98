// A static page (prerendered by `next build`) holding the client component.
import GreetingApp from './GreetingApp';

export default function Home() {
  return (
    <main>
      <h1>stackquery + Next.js</h1>
      <GreetingApp />
    </main>
  );
}
