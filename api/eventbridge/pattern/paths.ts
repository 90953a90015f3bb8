/**
 * The field paths a set of rules reads, interned once when rules are added: each path gets a
 * number, and a trie of the event's object levels tells the scanner, for every member name it
 * meets, whether some rule reads below it, so the rest of an event is skipped unread.
 *
 * event-ruler joins the member names on the way to a value with `.`, so `{"a":{"b.c":1}}` and
 * `{"a":{"b":{"c":1}}}` both give `a.b.c`. A level therefore answers every name that leads to a
 * `.` boundary of some path: the root of `a.b.c` answers `a`, `a.b` and `a.b.c`.
 */
export class PathNode {
  /** The interned path whose values are read here, or -1 when none is. */
  id = -1;
  /** Names of this object level that lead somewhere, with the node each leads to. */
  private readonly names: string[] = [];
  private readonly nodes: PathNode[] = [];
  /** Indexes into names/nodes by name length, so most names are refused by their length alone. */
  private readonly byLength: number[][] = [];

  /** Whether any name of this level leads somewhere (an object value here is worth reading). */
  get hasChildren(): boolean {
    return this.names.length > 0;
  }

  /** The node a member name leads to: the name given as `src[start, end)`, raw and without escapes. */
  childAt(src: string, start: number, end: number): PathNode | undefined {
    const candidates = this.byLength[end - start];
    if (candidates === undefined) return undefined;
    for (let i = 0; i < candidates.length; i++) {
      const k = candidates[i]!;
      if (src.startsWith(this.names[k]!, start)) return this.nodes[k];
    }
    return undefined;
  }

  /** The node a (decoded) member name leads to. */
  child(name: string): PathNode | undefined {
    const candidates = this.byLength[name.length];
    if (candidates === undefined) return undefined;
    for (let i = 0; i < candidates.length; i++) {
      const k = candidates[i]!;
      if (this.names[k] === name) return this.nodes[k];
    }
    return undefined;
  }

  /** Makes `name` lead to `node` (once). */
  link(name: string, node: PathNode): void {
    if (this.child(name)) return;
    this.names.push(name);
    this.nodes.push(node);
    const sameLength = this.byLength[name.length];
    if (sameLength) sameLength.push(this.names.length - 1);
    else this.byLength[name.length] = [this.names.length - 1];
  }
}

/** Interns paths as numbers (0, 1, ...) and builds the trie the scanner walks. */
export class PathTrie {
  readonly root = new PathNode();
  private readonly ids = new Map<string, number>();
  /** Every node but the root, by the joined path it stands for ("" is the root's member ""). */
  private readonly nodes = new Map<string, PathNode>();

  get size(): number {
    return this.ids.size;
  }

  /** The number of `path`, interning it (and its trie entries) on first sight. */
  intern(path: string): number {
    const known = this.ids.get(path);
    if (known !== undefined) return known;
    const id = this.ids.size;
    this.ids.set(path, id);
    // Every `.` in the path may be a level boundary in the event; from each level (the root, or
    // the prefix before a `.`), each later boundary and the path's end is reached by one name.
    const dots: number[] = [];
    for (let i = path.indexOf("."); i >= 0; i = path.indexOf(".", i + 1)) dots.push(i);
    const ends = [...dots, path.length];
    for (const start of [-1, ...dots]) {
      const level = start < 0 ? this.root : this.node(path.slice(0, start));
      for (const end of ends) {
        if (end > start) level.link(path.slice(start + 1, end), this.node(path.slice(0, end)));
      }
    }
    this.node(path).id = id;
    return id;
  }

  private node(joined: string): PathNode {
    let node = this.nodes.get(joined);
    if (!node) {
      node = new PathNode();
      this.nodes.set(joined, node);
    }
    return node;
  }
}
