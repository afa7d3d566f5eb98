// The page's other two cards: the user count through useSuspenseQuery (restored with the
// page, so after a reload it renders without suspending), and a feed through
// useInfiniteQuery ("More" fetches the next page).
import { Suspense } from 'react';
import { useInfiniteQuery, useSuspenseQuery } from 'stackquery/react';
import { fetchJson as json } from './profile.jsx';

function Stats() {
  const stats = useSuspenseQuery({
    queryKey: ['stats'],
    queryFn: ({ signal }) => json('/api/stats', { signal }),
    staleTime: 5 * 60_000,
  });
  return <p id="stats">{stats.data.users} users</p>;
}

function StatsFallback() {
  window.statsSuspended = (window.statsSuspended ?? 0) + 1; // the test reads whether it ever showed
  return <p id="stats-loading">counting users…</p>;
}

export function StatsCard() {
  return (
    <Suspense fallback={<StatsFallback />}>
      <Stats />
    </Suspense>
  );
}

export function Feed() {
  const feed = useInfiniteQuery({
    queryKey: ['feed'],
    queryFn: ({ pageParam, signal }) => json(`/api/feed?cursor=${pageParam}`, { signal }),
    initialPageParam: 0,
    getNextPageParam: (last) => last.next ?? undefined,
  });
  if (feed.isPending) return <p id="feed-loading">loading the feed…</p>;
  return (
    <section>
      <ul id="feed">
        {feed.data.pages.flatMap((page) => page.items).map((item) => (
          <li key={item}>{item}</li>
        ))}
      </ul>
      <button id="more" disabled={!feed.hasNextPage || feed.isFetchingNextPage} onClick={() => feed.fetchNextPage()}>
        {feed.isFetchingNextPage ? 'loading more…' : feed.hasNextPage ? 'More' : 'The end'}
      </button>
    </section>
  );
}
