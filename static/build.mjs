// Second step of `npm run build` (after Sass has written static/css/site.css).
//
// 1. Copies the scripts the site serves from node_modules into static/:
//    GOV.UK Frontend's JavaScript (an ES module) into static/govuk/, and
//    alphagov's accessible-autocomplete (a UMD script that sets
//    window.accessibleAutocomplete; its stylesheet is compiled into site.css
//    from static/scss/_apply.scss) with its MIT licence into
//    static/accessible-autocomplete/. Each script's trailing
//    `//# sourceMappingURL=` comment is dropped: the map is not shipped, and
//    Django's ManifestStaticFilesStorage fails on references to files that do
//    not exist. No timestamps, so rebuilding gives byte-identical output.
// 2. Checks the compiled CSS: no @font-face / GDS Transport, and every
//    url(...) names a file that exists under static/ (otherwise Django's
//    collectstatic with ManifestStaticFilesStorage fails). If GOV.UK Frontend
//    ever needs an image, add it to `copies` below.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const modules = join(root, "node_modules");

// [file under node_modules/, where it goes]
const copies = [
  ["govuk-frontend/dist/govuk/govuk-frontend.min.js", "static/govuk/govuk-frontend.min.js"],
  [
    "accessible-autocomplete/dist/accessible-autocomplete.min.js",
    "static/accessible-autocomplete/accessible-autocomplete.min.js",
  ],
  ["accessible-autocomplete/LICENSE.txt", "static/accessible-autocomplete/LICENSE.txt"],
];

for (const [from, to] of copies) {
  const target = join(root, to);
  mkdirSync(dirname(target), { recursive: true });
  if (from.endsWith(".js")) {
    const source = readFileSync(join(modules, from), "utf8");
    writeFileSync(target, source.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, "\n"));
  } else {
    // For example ["govuk-frontend/dist/govuk/assets/images/x.svg", "static/govuk/assets/images/x.svg"]
    copyFileSync(join(modules, from), target);
  }
  console.log(`copied ${to}`);
}

const cssPath = join(root, "static", "css", "site.css");
const css = readFileSync(cssPath, "utf8");
const problems = [];

if (/@font-face/.test(css)) problems.push("contains @font-face rules");
if (/GDS Transport/i.test(css)) problems.push("mentions GDS Transport");

for (const match of css.matchAll(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g)) {
  const ref = match[2];
  if (/^(data:|[a-z]+:|\/\/|#)/i.test(ref)) continue;
  const file = join(dirname(cssPath), ref.split(/[?#]/)[0]);
  if (!existsSync(file)) problems.push(`url(${ref}) does not exist under static/`);
}

if (problems.length) {
  for (const problem of problems) console.error(`static/css/site.css ${problem}`);
  process.exit(1);
}
console.log("checked static/css/site.css");
