// TEMPORARY (issue 8, branch layers): moved to src/node/args.ts. This re-export only keeps src/sim/cli.ts and
// test/sim/cli.test.ts compiling until their owner's branch is merged; delete it then.
export * from '../node/args';
