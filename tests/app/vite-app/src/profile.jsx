// The profile card, rendered by either library's useQuery (the same component both ways,
// for the reload comparison of tests/app/vite-react.test.mjs). Its data is fresh for five
// minutes. It records when its data first reached the DOM (ms since navigation) and what
// its first render showed.
import { useLayoutEffect, useRef } from 'react';

export const fetchJson = async (url, init) => {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  return response.json();
};

export function makeProfile(useQuery) {
  return function Profile() {
    const profile = useQuery({
      queryKey: ['profile'],
      queryFn: ({ signal }) => fetchJson('/api/profile', { signal }),
      staleTime: 5 * 60_000,
    });
    const first = useRef(profile.status);
    useLayoutEffect(() => {
      if (profile.data !== undefined && window.profileShown === undefined) {
        window.profileShown = { at: performance.now(), firstStatus: first.current };
      }
    }, [profile.data]);
    return <p id="profile">{profile.data ? `profile ${profile.data.name}` : 'profile loading…'}</p>;
  };
}
