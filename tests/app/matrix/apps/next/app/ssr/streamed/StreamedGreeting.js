'use client';
import { useEffect } from 'react';
import { useSuspenseQuery } from 'stackquery/react';
import { clientGreeting } from '../greeting';

export default function StreamedGreeting() {
  const { data } = useSuspenseQuery({ queryKey: ['greeting', 'streamed'], queryFn: clientGreeting });
  // The browser has hydrated this component (the test reads it).
  useEffect(() => {
    document.body.dataset.mountedWith = 'success';
  }, []);
  return <p id="out">{`streamed: ${data.message} (#${data.served})`}</p>;
}
