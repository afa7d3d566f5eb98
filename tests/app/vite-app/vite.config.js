// What a Vite user writes: the package's default (bundler) entry imports its .wasm as an
// ES module, which Vite handles with vite-plugin-wasm. JSX through Vite's own esbuild
// (no @vitejs/plugin-react needed for a build).
import { defineConfig } from 'vite';
import wasm from 'vite-plugin-wasm';

export default defineConfig({
  plugins: [wasm()],
  esbuild: { jsx: 'automatic' },
});
