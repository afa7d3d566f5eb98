// The pages under /ssr share the QueryClientProvider of TanStack's recipe (kept out of the
// root layout, so that / and /tanstack load only their own client code).
import Providers from './providers';

export default function SsrLayout({ children }) {
  return <Providers>{children}</Providers>;
}
