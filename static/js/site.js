// Citizen Leaders portal: starts GOV.UK Frontend's JavaScript components.
//
// Loaded at the end of <body> with
//   <script type="module" src="{% static 'js/site.js' %}"></script>
//
// GOV.UK Frontend normally marks the body with an inline script; the
// portal's Content Security Policy forbids inline script, so it is done here.
// Browsers that cannot run ES modules never run this file, so they keep the
// no-JavaScript versions of components, which is what GOV.UK Frontend wants.
import { initAll } from "../govuk/govuk-frontend.min.js";

const body = document.body;

body.classList.add("js-enabled");

if ("noModule" in HTMLScriptElement.prototype) {
  body.classList.add("govuk-frontend-supported");
}

initAll();
