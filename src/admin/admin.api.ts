/**
 * The admin module's public entry (the operator's API and console): the only file of src/admin/ another module may import.
 * Which modules may use which: test/unit/architecture/module-borders.test.ts.
 */
// No module uses admin: it only assembles the operator's view of the others.
export {};
