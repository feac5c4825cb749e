#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm ci` through the prepare script).
// React's production build: its development checks cost a third of each mixer frame.
process.env.NODE_ENV ??= 'production';
import('../dist/src/cli.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/src/cli.js')) {
    console.error('dubstage: not built yet — run `npm ci` (or `npm run build`) in the checkout first.');
    process.exit(1);
  }
  throw err;
});
