// ReDoc (/redoc) from this host only. The bundle draws a "Redocly" logo from cdn.redoc.ly in its
// side menu: the image is pointed at an empty local picture before it is asked for, so that no
// request leaves the service (the Content-Security-Policy would refuse it anyway, but the
// browser would still try). Loaded before redoc.standalone.js. Also gives ReDoc's menu items an
// accessible name that contains their visible text (axe-core label-content-name-mismatch).
(function () {
  "use strict";
  var EMPTY = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='1' height='1'/%3E";
  function local(value) {
    return typeof value === "string" && /^(https?:)?\/\//i.test(value) && value.indexOf(location.host) < 0 ? EMPTY : value;
  }
  var setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (this instanceof HTMLImageElement && String(name).toLowerCase() === "src") value = local(value);
    return setAttribute.call(this, name, value);
  };
  var src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    configurable: true, enumerable: src.enumerable,
    get: function () { return src.get.call(this); },
    set: function (value) { src.set.call(this, local(value)); },
  });

  function nameMenuItems() {
    document.querySelectorAll("[role=menuitem][aria-label]").forEach(function (el) {
      var text = el.textContent.replace(/\s+/g, " ").trim();
      if (text && el.getAttribute("aria-label").indexOf(text) < 0) el.removeAttribute("aria-label");
    });
  }
  new MutationObserver(nameMenuItems).observe(document.documentElement, { childList: true, subtree: true });
})();
