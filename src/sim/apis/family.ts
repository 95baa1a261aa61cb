/** What an API family gives the simulator: its routes, and how to forget its state on reset. */
import type { Route } from '../kernel/routes';

export interface SimFamily {
  routes(): Route[];
  reset?(): void;
}
