'use client';
import { useEffect, useRef } from 'react';
import { useQuery } from 'stackquery/react';
import { clientGreeting } from '../greeting';

export default function HydratedGreeting() {
  const query = useQuery({ queryKey: ['greeting', 'hydrated'], queryFn: clientGreeting });
  // What the browser's first render held (the test reads it): the hydrated data, or not.
  const first = useRef(query.status);
  useEffect(() => {
    document.body.dataset.mountedWith = first.current;
  }, []);
  if (query.isSuccess) return <p id="out">{`hydrated: ${query.data.message} (#${query.data.served})`}</p>;
  if (query.isError) return <p id="out">{`error: ${query.error.message}`}</p>;
  return <p id="out">loading</p>;
}
