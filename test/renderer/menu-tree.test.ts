/** The menu tree's edits: moves within and between levels, and the moves the tree's shape refuses. */
import { describe, expect, it } from 'vitest';
import { addSub, addTop, moveNode, removeNode } from '../../src/renderer/src/domains/menus/tree';
import type { Draft } from '../../src/renderer/src/domains/menus/store';

const names = (d: Draft) => d.button.map((b) => (b.sub_button ? `${b.name}[${b.sub_button.map((s) => s.name).join(',')}]` : b.name));
function menu(): Draft {
  return { button: [{ type: 'click', name: 'A', key: 'a' }, { name: 'B', sub_button: [{ type: 'click', name: 'b1', key: '1' }, { type: 'click', name: 'b2', key: '2' }] }, { type: 'view', name: 'C', url: 'https://c/' }] };
}

describe('menu tree edits', () => {
  it('moves within the top level and within a sub-menu', () => {
    const d = menu();
    expect(moveNode(d, [2], { before: [0] })).toBeNull();
    expect(names(d)).toEqual(['C', 'A', 'B[b1,b2]']);
    expect(moveNode(d, [2, 1], { before: [2, 0] })).toBeNull();
    expect(names(d)).toEqual(['C', 'A', 'B[b2,b1]']);
    expect(moveNode(d, [0], { topEnd: true })).toBeNull();
    expect(names(d)).toEqual(['A', 'B[b2,b1]', 'C']);
  });

  it('moves between levels; a parent keeps only its name, and a leaf gets a type back', () => {
    const d = menu();
    expect(moveNode(d, [0], { into: 1 })).toBeNull();
    expect(names(d)).toEqual(['B[b1,b2,A]', 'C']);
    expect(d.button[0]).not.toHaveProperty('type');
    expect(moveNode(d, [0, 0], { topEnd: true })).toBeNull();
    expect(names(d)).toEqual(['B[b2,A]', 'C', 'b1']);
    removeNode(d, [0, 0]);
    removeNode(d, [0, 0]);
    expect(d.button[0]).toMatchObject({ name: 'B', type: 'click' });
  });

  it('a button dropped on its own "drop here" zone stays as it was (it was lost, or nested in the next one)', () => {
    for (const i of [0, 2]) {
      const d = menu();
      expect(moveNode(d, [i], { into: i })).toBeNull();
      expect(d).toEqual(menu());
    }
  });

  it('refuses a parent into the second level, a sixth sub-button and a fourth top-level button', () => {
    const d = menu();
    expect(moveNode(d, [1], { into: 0 })).toBe('menus.cannotNest');
    for (let i = 0; i < 3; i++) expect(addSub(d, 1, `x${i}`)).not.toBeNull();
    expect(addSub(d, 1, 'sixth')).toBeNull();
    expect(moveNode(d, [0], { into: 1 })).toBe('menus.fullSub');
    expect(moveNode(d, [1, 0], { topEnd: true })).toBe('menus.fullTop');
    expect(addTop(d, 'D')).toBeNull();
    expect(names(d)).toEqual(['A', 'B[b1,b2,x0,x1,x2]', 'C']);
  });
});
