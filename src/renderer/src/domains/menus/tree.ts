/**
 * Edits of the menu tree, as pure functions on a draft (the view calls them; unit tests check them). A move that
 * would break the tree's shape (a parent into the second level, a sixth sub-button) is refused with the reason's key.
 */
import { MENU_LIMITS, type MenuButton } from '../../../../shared/oa/menu';
import type { Draft, NodePath } from './store';

/** Where a dragged button lands: before another button, as the last sub-button of a top-level one, or last at the top. */
export type DropTarget = { before: NodePath } | { into: number } | { topEnd: true };

export function nodeAt(draft: Draft, path: NodePath): MenuButton | undefined {
  const top = draft.button[path[0]];
  return path.length === 1 ? top : top?.sub_button?.[path[1]];
}

export function addTop(draft: Draft, name: string): NodePath | null {
  if (draft.button.length >= MENU_LIMITS.topButtons) return null;
  draft.button.push({ type: 'click', name, key: '' });
  return [draft.button.length - 1];
}

export function addSub(draft: Draft, top: number, name: string): NodePath | null {
  const parent = draft.button[top];
  if (!parent) return null;
  const subs = parent.sub_button ?? [];
  if (subs.length >= MENU_LIMITS.subButtons) return null;
  // A button that gets sub-buttons keeps only its name.
  const next: MenuButton = { name: parent.name, sub_button: [...subs, { type: 'click', name, key: '' }] };
  draft.button.splice(top, 1, next);
  return [top, next.sub_button!.length - 1];
}

export function removeNode(draft: Draft, path: NodePath): void {
  if (path.length === 1) {
    draft.button.splice(path[0], 1);
    return;
  }
  const parent = draft.button[path[0]];
  if (!parent?.sub_button) return;
  parent.sub_button.splice(path[1], 1);
  // The last sub-button gone: the top-level button needs a type of its own again.
  if (parent.sub_button.length === 0) draft.button.splice(path[0], 1, { type: 'click', name: parent.name, key: '' });
}

/** Moves a button; returns null, or the i18n key of why it cannot go there. */
export function moveNode(draft: Draft, from: NodePath, to: DropTarget): string | null {
  const node = nodeAt(draft, from);
  if (!node) return null;
  const toSecondLevel = ('before' in to && to.before.length === 2) || 'into' in to;
  if (toSecondLevel && node.sub_button && node.sub_button.length > 0) return 'menus.cannotNest';
  const targetTop = 'before' in to ? to.before[0] : 'into' in to ? to.into : -1;
  const sameParent = from.length === 2 && targetTop === from[0];
  if (toSecondLevel && !sameParent && (draft.button[targetTop]?.sub_button?.length ?? 0) >= MENU_LIMITS.subButtons) return 'menus.fullSub';
  if (!toSecondLevel && from.length === 2 && draft.button.length >= MENU_LIMITS.topButtons) return 'menus.fullTop';
  if ('before' in to && to.before.length === from.length && to.before.every((v, i) => v === from[i])) return null;
  // A top-level button dropped on its own "drop here" zone: nothing moves (it is not a sub-button of itself).
  if ('into' in to && from.length === 1 && to.into === from[0]) return null;

  const moved = cloneButton(node);
  removeNode(draft, from);
  // Where the target is once the button is out: a top-level removal shifts the top-level buttons after it.
  const shift = (top: number) => (from.length === 1 && from[0] < top ? top - 1 : top);
  if ('before' in to) {
    const top = shift(to.before[0]);
    if (to.before.length === 1) {
      draft.button.splice(top, 0, moved);
    } else {
      const sub = sameParent && from[1]! < to.before[1] ? to.before[1] - 1 : to.before[1];
      const parent = draft.button[top]!;
      const subs = [...(parent.sub_button ?? [])];
      subs.splice(sub, 0, asLeaf(moved));
      draft.button.splice(top, 1, { name: parent.name, sub_button: subs });
    }
  } else if ('into' in to) {
    const top = shift(to.into);
    const parent = draft.button[top]!;
    draft.button.splice(top, 1, { name: parent.name, sub_button: [...(parent.sub_button ?? []), asLeaf(moved)] });
  } else {
    draft.button.push(moved);
  }
  return null;
}

/** A plain copy (the draft is reactive: structuredClone cannot copy its proxies). */
export function cloneButton<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function asLeaf(b: MenuButton): MenuButton {
  const { sub_button: _sub, ...leaf } = b;
  return leaf.type ? leaf : { ...leaf, type: 'click', key: '' };
}
