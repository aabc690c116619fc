// Keys that leave a figure the way a person expects (loaded by the prose editor as an
// extension module, see DJANGO_PROSE_EDITOR_EXTENSIONS in the settings).
//
// Without this, Enter in a figure's caption, or after an inserted image, kept the text in
// the caption: the next paragraph became the caption of the figure. Now Enter in a caption,
// ArrowDown on its last line and ArrowRight at its end, like those keys on a selected
// image, put the cursor at the start of the text after the figure, making an empty
// paragraph there when the figure is the last thing in the article. ArrowUp on the caption's
// first line and ArrowLeft at its start go to the end of the text before the figure.
import { Extension } from "django-prose-editor/editor"

function figureAround(state) {
  const { selection } = state
  if (selection.node && ["figure", "image"].includes(selection.node.type.name)) {
    const $pos = state.doc.resolve(selection.from)
    if (selection.node.type.name === "figure") {
      return { before: selection.from, after: selection.to, inCaption: false }
    }
    for (let depth = $pos.depth; depth > 0; depth--) {
      if ($pos.node(depth).type.name === "figure") {
        return { before: $pos.before(depth), after: $pos.after(depth), inCaption: false }
      }
    }
    return { before: selection.from, after: selection.to, inCaption: false }
  }
  const { $from } = selection
  for (let depth = $from.depth; depth > 0; depth--) {
    if ($from.node(depth).type.name === "figure") {
      return {
        before: $from.before(depth),
        after: $from.after(depth),
        inCaption: $from.parent.type.name === "caption",
        atCaptionStart: selection.empty && $from.parentOffset === 0,
        atCaptionEnd: selection.empty && $from.parentOffset === $from.parent.content.size,
      }
    }
  }
  return null
}

function leaveFigure(editor, figure) {
  const next = editor.state.doc.resolve(figure.after).nodeAfter
  if (next && next.isTextblock) {
    return editor.chain().focus().setTextSelection(figure.after + 1).scrollIntoView().run()
  }
  return editor.chain().focus()
    .insertContentAt(figure.after, { type: "paragraph" })
    .setTextSelection(figure.after + 1).scrollIntoView().run()
}

// Upwards: the end of the text before the figure (a new paragraph there when the figure opens
// the article), never a stop on the image itself from the caption.
function leaveFigureUp(editor, figure) {
  const previous = editor.state.doc.resolve(figure.before).nodeBefore
  if (previous && previous.isTextblock) {
    return editor.chain().focus().setTextSelection(figure.before - 1).scrollIntoView().run()
  }
  return editor.chain().focus()
    .insertContentAt(figure.before, { type: "paragraph" })
    .setTextSelection(figure.before + 1).scrollIntoView().run()
}

export const FigureKeys = Extension.create({
  name: "figureKeys",
  // Before the default keymaps (splitBlock, the gap cursor's arrows).
  priority: 1000,

  addKeyboardShortcuts() {
    return {
      Enter: ({ editor }) => {
        const figure = figureAround(editor.state)
        return figure ? leaveFigure(editor, figure) : false
      },
      ArrowDown: ({ editor }) => {
        const figure = figureAround(editor.state)
        if (!figure) return false
        if (figure.inCaption && !editor.view.endOfTextblock("down")) return false
        return leaveFigure(editor, figure)
      },
      ArrowUp: ({ editor }) => {
        const figure = figureAround(editor.state)
        if (!figure) return false
        if (figure.inCaption && !editor.view.endOfTextblock("up")) return false
        return leaveFigureUp(editor, figure)
      },
      ArrowLeft: ({ editor }) => {
        const figure = figureAround(editor.state)
        if (!figure) return false
        if (figure.inCaption && !figure.atCaptionStart) return false
        return leaveFigureUp(editor, figure)
      },
      ArrowRight: ({ editor }) => {
        const figure = figureAround(editor.state)
        if (!figure) return false
        if (figure.inCaption && !figure.atCaptionEnd) return false
        return leaveFigure(editor, figure)
      },
    }
  },
})
