// Lets the benchmarks import the product's TypeScript sources (src/**) directly with Node 24's
// type stripping: the sources import each other with `.js` specifiers (NodeNext style, for tsc),
// which do not exist next to the .ts files. This resolve hook retries such a relative specifier
// with `.ts` when the `.js` file is missing. Import this module first, then import src modules
// dynamically (static imports are linked before any module body runs).
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      if (specifier.startsWith('.') && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts'))
        return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
      throw error;
    }
  },
});
