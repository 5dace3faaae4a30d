// The one disposal idiom: a class extends Disposable and owns what it creates through track().
import type * as vscode from "vscode";

export class Disposable implements vscode.Disposable {
  private readonly owned: vscode.Disposable[] = [];
  private disposed = false;

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  /** Owns `d`: it is disposed with this object (in reverse order of tracking). */
  protected track<T extends vscode.Disposable>(d: T): T {
    if (this.disposed) d.dispose();
    else this.owned.push(d);
    return d;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.owned.splice(0).reverse()) {
      try {
        d.dispose();
      } catch {
        // one failing disposal must not keep the others alive
      }
    }
  }
}

/** A disposable from a function (timers, listeners without a handle). */
export function toDisposable(fn: () => void): vscode.Disposable {
  return { dispose: fn };
}
