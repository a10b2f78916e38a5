import { execFileSync } from 'node:child_process';

/** Whether poppler's pdftotext is on the PATH (tests of the text layer skip, saying so, without it). */
export const hasPdftotext = (() => {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
