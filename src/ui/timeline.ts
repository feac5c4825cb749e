// Timeline strips as text: each cell covers `perCell` samples around the playhead. Pure.
import type { Clip, Marker } from '../session/schema.js';

export interface TimelineView {
  start: number;
  perCell: number;
  width: number;
}

export function viewAround(playhead: number, width: number, perCell: number): TimelineView {
  return { start: Math.max(0, playhead - Math.floor(width / 2) * perCell), perCell, width };
}

/** Column of a timeline position, or -1 when outside the view. */
export function columnOf(view: TimelineView, position: number): number {
  const c = Math.floor((position - view.start) / view.perCell);
  return c >= 0 && c < view.width ? c : -1;
}

/** One track: clip cells show the clip's name (then ▒), gaps are blank, offline clips are ░. */
export function trackStrip(clips: Clip[], view: TimelineView, offline: Set<string>): string {
  const cells = new Array<string>(view.width).fill(' ');
  const end = view.start + view.width * view.perCell;
  for (const c of clips) {
    if (c.position >= end || c.position + c.length <= view.start) continue;
    const a = Math.max(0, Math.floor((c.position - view.start) / view.perCell));
    const b = Math.min(view.width, Math.ceil((c.position + c.length - view.start) / view.perCell));
    const fill = offline.has(c.id) ? '░' : '▒';
    for (let i = a; i < b; i++) cells[i] = fill;
    if (!offline.has(c.id) && c.position >= view.start) {
      const label = `▏${c.name}`;
      for (let i = 0; i < label.length && a + i < b; i++) cells[a + i] = label[i];
    }
  }
  return cells.join('');
}

export function markerStrip(markers: Marker[], view: TimelineView): string {
  const cells = new Array<string>(view.width).fill(' ');
  for (const m of markers) {
    const c = columnOf(view, m.position);
    if (c >= 0) cells[c] = '▼';
  }
  return cells.join('');
}
