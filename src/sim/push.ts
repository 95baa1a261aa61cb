/**
 * Kept so imports from before the split by family keep working (bench/desk.ts and two engine tests on main import
 * buildPushRequest from here). The code is in pushes/delivery.ts.
 */
export * from './pushes/delivery';
