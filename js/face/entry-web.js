// The `web` entry: the face, plus the glue's initialisers (`await init()` first).
export * from './index.js';
export { default } from 'stackquery:engine';
