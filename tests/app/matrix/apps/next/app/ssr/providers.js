'use client';
import { QueryClientProvider } from 'stackquery/react';
import { getQueryClient } from '../get-query-client';

export default function Providers({ children }) {
  // No useState: getQueryClient() gives the browser's one client on every render, and a new
  // one for each server render.
  const queryClient = getQueryClient();
  return <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
}
