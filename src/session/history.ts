// Undo/redo over immer patches. Each entry holds the forward and inverse patches of one
// gesture; a gesture key lets a run of edits (a held `+` key, a nudge run) merge into one
// entry. A saved-revision marker drives the "unsaved" indicator.
import { applyPatches, enablePatches, produceWithPatches, type Draft, type Patch } from 'immer';

enablePatches();

export interface HistoryEntry {
  revision: number;
  label: string;
  gesture?: string;
  patches: Patch[];
  inverse: Patch[];
}

export const DEFAULT_UNDO_DEPTH = 5000;

export class History<T extends object> {
  private undoStack: HistoryEntry[] = [];
  private redoStack: HistoryEntry[] = [];
  private revisionCounter = 0;
  private savedRevision = 0;
  private value: T;

  constructor(initial: T, private readonly depth = DEFAULT_UNDO_DEPTH) {
    this.value = initial;
  }

  get current(): T {
    return this.value;
  }

  /** Revision of the document as it stands (0 = as loaded). */
  get revision(): number {
    return this.undoStack.length ? this.undoStack[this.undoStack.length - 1].revision : 0;
  }

  get dirty(): boolean {
    return this.revision !== this.savedRevision;
  }

  markSaved(): void {
    this.savedRevision = this.revision;
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  get undoLabel(): string | undefined {
    return this.undoStack[this.undoStack.length - 1]?.label;
  }

  get redoLabel(): string | undefined {
    return this.redoStack[this.redoStack.length - 1]?.label;
  }

  get undoDepth(): number {
    return this.undoStack.length;
  }

  /**
   * Applies `recipe`; the result must pass `validate` (which may throw) before it replaces the
   * current value, so a rejected edit leaves no trace.
   */
  apply(label: string, recipe: (draft: Draft<T>) => void, opts: { gesture?: string; validate?: (next: T) => void } = {}): T {
    const [next, patches, inverse] = produceWithPatches(this.value, recipe);
    if (patches.length === 0) return this.value;
    opts.validate?.(next as T);
    this.value = next as T;
    this.redoStack = [];
    const top = this.undoStack[this.undoStack.length - 1];
    if (opts.gesture && top && top.gesture === opts.gesture && top.revision !== this.savedRevision) {
      top.patches = [...top.patches, ...patches];
      top.inverse = [...inverse, ...top.inverse];
      top.revision = ++this.revisionCounter;
    } else {
      this.undoStack.push({ revision: ++this.revisionCounter, label, gesture: opts.gesture, patches, inverse });
      if (this.undoStack.length > this.depth) this.undoStack.shift();
    }
    return this.value;
  }

  /** Ends the current gesture: the next edit with the same key starts a new undo entry. */
  endGesture(): void {
    const top = this.undoStack[this.undoStack.length - 1];
    if (top) top.gesture = undefined;
  }

  undo(): HistoryEntry | undefined {
    const e = this.undoStack.pop();
    if (!e) return undefined;
    this.value = applyPatches(this.value, e.inverse) as T;
    e.gesture = undefined;
    this.redoStack.push(e);
    return e;
  }

  redo(): HistoryEntry | undefined {
    const e = this.redoStack.pop();
    if (!e) return undefined;
    this.value = applyPatches(this.value, e.patches) as T;
    this.undoStack.push(e);
    return e;
  }
}
