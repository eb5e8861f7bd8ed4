import express from "express";

/**
 * The `assets/` folder of a Vite bundle (the console, GraphiQL): every file name carries its content hash, so each is
 * immutable for a year; an unknown name is a 404 here, not a fall-through to the page.
 */
export function hashedAssets(assetsDir: string): express.Handler {
  return express.static(assetsDir, {
    index: false,
    fallthrough: false,
    setHeaders: (res) => res.setHeader("cache-control", "public, max-age=31536000, immutable"),
  });
}
