// The `:monitor` page: how to hear this mixer from the laptop. The URL gets a line of its own
// (73 characters with the token) so it can be copied whole from an 80-column terminal.
import type { EngineView } from '../engine/engine-client.js';

export function monitorHelp(view: EngineView): string {
  const m = view.monitor;
  if (!m) return 'No remote monitor in this run.\nStart the mixer with --monitor (or --monitor=opus for slow links) to serve what is heard.';
  const u = new URL(m.url);
  const format = u.pathname === '/stream.opus' ? 'Opus in Ogg' : u.searchParams.get('bits') === '16' ? '16-bit PCM WAV' : '24-bit PCM WAV';
  const st = view.monitorStatus;
  const who = !st
    ? ''
    : `${st.listeners} listening${st.lagMs >= 0 ? ` · heard ${st.lagMs} ms behind the engine` : ''} · ${st.follow ? 'playhead and meters follow the listener' : 'playhead and meters are the engine\'s'} (F toggles)`;
  return [
    `Remote monitor — ${format}, port ${u.port} on this machine only${m.notice ? ` (${m.notice})` : ''}`,
    '',
    'On the laptop, open the tunnel:',
    `  ${m.tunnel}`,
    'then play this URL (its token is good for this run of the mixer):',
    m.url,
    '  dubstage listen URL   (flushes on locate, reports its latency)',
    '  ffplay -nodisp URL  ·  mpv URL  ·  vlc URL',
    `The same token serves /stream.wav (24-bit), /stream.wav?bits=16 and /stream.opus.`,
    '',
    who,
  ].join('\n');
}
