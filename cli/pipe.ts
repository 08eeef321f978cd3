// A reader that stops early (`| head`, quitting `less`) closes the pipe under a command that is
// still printing: stop quietly, as `cat` does, rather than die with a stack dump.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  process.stderr.write(`cannot write the output: ${e.message}\n`);
  process.exit(2);
});
