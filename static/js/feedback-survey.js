// The survey page saves each answer as it is given (htmx). A refused save (the survey was sent in
// another tab, the link expired, an answer out of range) still shows its message beside the question.
document.addEventListener("htmx:beforeSwap", function (event) {
  var status = event.detail.xhr.status;
  if (status === 400 || status === 409 || status === 410) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
