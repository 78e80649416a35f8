// Progressive enhancement: show only the fields that belong to the chosen kind of activity.
(() => {
  const form = document.querySelector(".activity-form");
  if (!form) return;
  const kind = form.querySelector("select[name=kind]");
  const update = () => {
    for (const fieldset of form.querySelectorAll("fieldset[data-kinds]")) {
      fieldset.hidden = !fieldset.dataset.kinds.split(" ").includes(kind.value);
    }
  };
  kind.addEventListener("change", update);
  update();
})();
