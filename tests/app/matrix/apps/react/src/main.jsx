import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import App, { makeClient } from './App.jsx';

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <App client={makeClient()} />
  </StrictMode>,
);
