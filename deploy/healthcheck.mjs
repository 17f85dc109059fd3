// The image's HEALTHCHECK: Node's own fetch against /health/ready, no curl or wget in the image.
// Exit 0 when the bot is ready (every adapter connected), 1 otherwise or after 4 s.
const port = process.env.PORT ?? '3312';
try {
  const response = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(4000) });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
