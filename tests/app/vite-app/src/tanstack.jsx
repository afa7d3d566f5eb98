// The profile card under @tanstack/react-query, with no persistence: the comparison of
// tests/app/vite-react.test.mjs (`/?mode=tanstack`), loaded on demand.
import { StrictMode } from 'react';
import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { makeProfile } from './profile.jsx';

const Profile = makeProfile(useQuery);

export function renderTanstack(root) {
  const queryClient = new QueryClient();
  root.render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <Profile />
      </QueryClientProvider>
    </StrictMode>,
  );
}
