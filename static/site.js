// Progressive enhancements; every page reads and navigates without this file.
"use strict";

// A copy button on each BibTeX block.
for (const block of document.querySelectorAll(".copyable")) {
  const pre = block.querySelector("pre");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "copy";
  button.textContent = "Copy";
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(pre.innerText);
      button.textContent = "Copied";
    } catch {
      const range = document.createRange();
      range.selectNodeContents(pre);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      button.textContent = "Selected: press Ctrl+C";
    }
    setTimeout(() => { button.textContent = "Copy"; }, 2000);
  });
  block.prepend(button);
}

// A paper's relation graph wider than its frame (a phone) opens with the paper itself in view, not
// at the graph's oldest column; without JavaScript it opens there and scrolls as every figure does.
for (const focus of document.querySelectorAll(".figure-wrap .fig-focus")) {
  const frame = focus.closest(".figure-wrap");
  const node = focus.getBoundingClientRect();
  const area = frame.getBoundingClientRect();
  frame.scrollLeft += node.left + node.width / 2 - (area.left + area.width / 2);
}
