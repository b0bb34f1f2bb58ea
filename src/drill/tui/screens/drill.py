"""The drill: a card's prompt, an answer area, then the judgement.

Chinese is typed through an input method, and the Enter that confirms a
candidate must never submit: the answer area is multi-line, Enter makes a
new line, and Ctrl+S submits (shown in the footer).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, Static, TextArea
from textual.worker import get_current_worker

from drill.core.deck import blank_answer, order_numbered, order_numbered_items
from drill.core.errors import DrillError
from drill.core.grading import Override
from drill.core.learning import Stage, chosen, is_step, stage_after, stands_for
from drill.core.scheduler import RATING_NAMES
from drill.core.session import Answered, Session
from drill.tui.widgets.feedback import feedback_view, labelled
from drill.tui.widgets.footer import KeysFooter
from drill.tui.widgets.wrapped import Wrapped

KIND_NAMES = {"recall": "recall all items", "cloze": "fill in the blank", "name": "name the abbreviation",
              "order": "put in order", "show": "new: read it", "choice": "choose"}
# A framework being learned: which of its steps a card is (learning.py).
STAGE_NAMES = {"show": "learning 1/4", "choice": "learning 2/4", "cloze": "learning 3/4",
               "recall": "learning 4/4: first full recall"}
OVERRIDE_NOTES = {Override.RIGHT: "you said: right", Override.WRONG: "you said: wrong"}
ANSWER_PLACEHOLDER = "Type the items, one a line or with any separators. Enter makes a new line; Ctrl+S submits."
CHOICE_PLACEHOLDER = "Type the numbers of your choices; Enter (or Ctrl+S) submits."
# What a learning answer leads to, said with its judgement.
NEXT_STEP = {Stage.CHOICE: "the choice comes again", Stage.CLOZE: "a blank to fill in comes next",
             Stage.RECALL: "all the items come next"}
# How long saving an answer may take before the screen says it is waiting
# for the store (another drill holding it, a slow disk).
WAITING_NOTE_S = 0.5


class AnswerArea(TextArea):
    """The trainee's answer: Enter is a new line (an IME's Enter too); Ctrl+S submits."""


class CardView(Vertical, can_focus=True):
    """The card: focused while a first sight is read (there is no answer to type)."""


def show_question(screen, card) -> None:
    """Show ``card``'s prompt, and what is shown with it (a cloze's sentence,
    an order's items, a choice's options, a first sight's items), in the
    screen's ``#prompt`` and ``#context``: the drill's and the exam's alike."""
    prompt = Text(card.prompt, style="bold")
    if card.stated_in:  # items that come from a document, not from a speech
        prompt.append("\n" + card.stated_in, style="dim")
    screen.query_one("#prompt", Static).update(Wrapped(prompt))
    context = screen.query_one("#context", Static)
    if card.kind == "cloze" and card.context:
        context.update(Wrapped(card.context))
    elif card.kind == "order":
        shown = Text("\n".join(order_numbered(card)))
        shown.append("\nthe items in order, or their numbers: 3 1 2", style="dim")
        context.update(Wrapped(shown))
    elif card.kind == "choice":
        shown = Text("\n".join(f"{n}  {option}" for n, option in enumerate(card.options, 1)))
        if len(card.answer) == 1:
            shown.append("\npress the number of the one that belongs", style="dim")
        else:
            shown.append(f"\ntype the numbers of the {len(card.answer)} that belong, then Enter",
                         style="dim")
        context.update(Wrapped(shown))
    elif card.kind == "show":
        shown = Text("\n".join(order_numbered_items(card.answer)), style="bold")
        if card.context:
            shown.append("\n\n")
            shown.append(card.context, style="dim")
        shown.append("\n\nRead it through: it is asked next as a choice, then a blank, then in full. "
                     "Enter goes on.", style="italic")
        context.update(Wrapped(shown))
    else:
        context.update("")
    context.display = card.kind in ("cloze", "order", "choice", "show") and bool(
        card.context or card.kind != "cloze")


class DrillScreen(Screen):
    BINDINGS = [
        Binding("ctrl+s", "submit", "Submit", priority=True),
        Binding("f2", "hint", "Hint", priority=True),
        Binding("f3", "source", "Source", priority=True),
        Binding("f4", "dont_know", "I don't know", priority=True),
        Binding("enter", "next", "Next"),
        # short in the footer (it fits 80 columns); the feedback and help say them in full
        Binding("r", "override(True)", "Right", tooltip="I was right"),
        Binding("w", "override(False)", "Wrong", tooltip="I was wrong"),
        Binding("u", "undo_answer", "Undo"),
        # in the help, the palette and the README; the footer has no room at 80 columns
        Binding("f5", "bury_card", "Bury until tomorrow", priority=True, show=False),
        Binding("f6", "suspend_card", "Suspend", priority=True, show=False),
        Binding("escape", "leave", "End"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.last: Answered | None = None
        self.source_shown = False
        self.saving = False

    def compose(self) -> ComposeResult:
        yield Header()
        with CardView(id="card"):
            yield Static(id="progress")
            yield Static(id="prompt")
            yield Static(id="context")
            yield Static(id="hint")
            yield Static(id="source")
        yield Static(id="store-status")
        yield AnswerArea(id="answer", soft_wrap=True, show_line_numbers=False,
                         placeholder=ANSWER_PLACEHOLDER)
        with VerticalScroll(id="feedback-box"):
            yield Static(id="feedback")
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.show_card()
        self._kept_locally()  # the progress server away from the start: say so before the first answer

    # --- showing -----------------------------------------------------------

    def show_card(self) -> None:
        card = self.session.show()
        if card is None:
            self.finish()
            return
        self.last = None
        self.source_shown = False
        total = len(self.session.cards)
        again = " · again: missed earlier" if self.session.again() else ""
        stage = f" · {STAGE_NAMES[card.stage]}" if card.stage in STAGE_NAMES else ""
        self.query_one("#progress", Static).update(
            Text(f"card {self.session.index + 1} of {total} · {KIND_NAMES.get(card.kind, card.kind)}"
                 f"{stage}{again}", style="dim"))
        show_question(self, card)
        for extra in ("#hint", "#source", "#store-status"):
            self.query_one(extra, Static).update("")
            self.query_one(extra, Static).display = False
        self.query_one("#feedback", Static).update("")
        self.query_one("#feedback-box").display = False
        area = self.query_one(AnswerArea)
        area.read_only = False
        area.text = ""
        if card.kind == "show":
            area.display = False  # nothing to answer: read, then Enter
            self.query_one(CardView).focus()
            self._bindings_for("reading")
            return
        area.placeholder = CHOICE_PLACEHOLDER if card.kind == "choice" else ANSWER_PLACEHOLDER
        area.display = True
        area.focus()
        self._bindings_for("answering")

    def _bindings_for(self, phase: str) -> None:
        self.phase = phase
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        phase = getattr(self, "phase", "answering")
        if action in ("submit", "hint", "dont_know"):
            return phase == "answering"
        if action == "next":
            return phase in ("judged", "reading")
        if action in ("override", "undo_answer"):
            return phase == "judged"
        return True

    # --- actions -----------------------------------------------------------

    def action_submit(self) -> None:
        """Grade and record the answer in the background: a busy or failing
        store never freezes the screen nor loses what was typed."""
        if self.phase not in ("answering", "reading") or self.saving:
            return
        area = self.query_one(AnswerArea)
        self.saving = True
        area.read_only = True
        self.set_timer(WAITING_NOTE_S, self._still_saving)
        self.run_worker(lambda: self._save(area.text), thread=True, group="save", exit_on_error=False)

    def action_dont_know(self) -> None:
        """Show the answer and count the card as missed (Again), whatever was typed."""
        if self.phase != "answering" or self.saving:
            return
        self.query_one(AnswerArea).text = ""
        self.action_submit()

    def typed_unsubmitted(self) -> bool:
        """Whether an answer is typed and not yet submitted."""
        return self.phase == "answering" and not self.saving and bool(self.query_one(AnswerArea).text.strip())

    def _save(self, typed: str) -> None:
        worker = get_current_worker()
        try:
            answered = self.session.submit(typed)
        except (DrillError, OSError) as exc:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._not_saved, _reason(exc))
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._saved, answered)

    def _still_saving(self) -> None:
        if self.saving:
            self._store_status("saving… waiting for the progress store", "dim")

    def _store_status(self, message: str, style: str) -> None:
        status = self.query_one("#store-status", Static)
        status.update(Text(message, style=style))
        status.display = bool(message)

    def _not_saved(self, reason: str) -> None:
        self.saving = False
        area = self.query_one(AnswerArea)
        area.read_only = False
        area.focus()
        self._store_status(f"not saved: {reason}\nyour answer is kept: Ctrl+S tries again, Esc ends the session",
                           "bold red")

    def _kept_locally(self) -> None:
        """Say, while the progress server is away, that answers are kept on this machine."""
        progress = getattr(self.app, "progress", None)
        if getattr(progress, "offline", False):
            self._store_status(f"the progress server is away: {progress.kept_locally} answers kept on this "
                               "machine, sent when it is back", "yellow")
        else:
            self._store_status("", "")

    def _saved(self, answered: Answered) -> None:
        self.saving = False
        if answered.card.kind == "show":  # read: on to the next card
            self._kept_locally()
            self.session.next()
            self.show_card()
            return
        self.last = answered
        self._kept_locally()
        area = self.query_one(AnswerArea)
        area.display = False
        self.show_feedback()
        self.show_source()  # now in full
        self._bindings_for("judged")
        self.query_one("#feedback-box").focus()

    def show_feedback(self) -> None:
        answered = self.last
        if answered is None:
            return
        rating = RATING_NAMES.get(answered.rating, "")
        said = OVERRIDE_NOTES.get(answered.overridden, "")
        if is_step(answered.card):  # no review of the scheduler's: say what comes next instead
            rating = ""
            after = NEXT_STEP.get(stage_after(answered.card.stage, answered.verdict), "")
            said = "; ".join(part for part in (said, f"learning: {after}") if part)
        view = feedback_view(answered.grade, answered.card.answer, rating, said, answered.card.note)
        self.query_one("#feedback", Static).update(view)
        self.query_one("#feedback-box").display = True

    def action_hint(self) -> None:
        shown = self.session.hint()
        hint = self.query_one("#hint", Static)
        hint.update(labelled("hint", Wrapped(shown, style="italic yellow"), label_style="bold yellow"))
        hint.display = True

    def action_source(self) -> None:
        if self.session.current is None:
            return
        self.source_shown = not self.source_shown
        self.show_source()

    def show_source(self) -> None:
        """The source sentence, its answer blanked until the card is judged."""
        card = self.session.current
        source = self.query_one("#source", Static)
        source.display = self.source_shown
        if not self.source_shown or card is None:
            source.update("")
            return
        quote = getattr(self.app, "quote_for", lambda c: "")(card)
        if self.last is None:
            quote = blank_answer(quote, card.answer)
        source.update(labelled("source", Wrapped(quote or "(no quote recorded)", style="dim")))

    def action_override(self, right: bool) -> None:
        if self.last is None:
            return
        try:
            self.last = self.session.override(right)
        except (DrillError, OSError) as exc:
            self._store_status(f"not saved: {_reason(exc)}; press {'r' if right else 'w'} to try again",
                               "bold red")
            return
        self._store_status("", "")
        self.show_feedback()

    def action_undo_answer(self) -> None:
        """Take the answer back: it no longer counts, and the card is asked again."""
        if self.phase != "judged" or self.last is None:
            return
        try:
            self.session.undo()
        except (DrillError, OSError) as exc:
            self._store_status(f"not undone: {_reason(exc)}; press u to try again", "bold red")
            return
        self.show_card()
        self._store_status("answer taken back: it does not count", "dim")

    def action_bury_card(self) -> None:
        self._set_aside("bury", "buried until tomorrow")

    def action_suspend_card(self) -> None:
        self._set_aside("suspend", "suspended: `drill unsuspend` brings it back")

    def _set_aside(self, how: str, said: str) -> None:
        """Leave the current card out (of the session and of the queue) for good or till tomorrow."""
        card = self.session.current
        if card is None or self.saving:
            return
        progress = getattr(self.app, "progress", None)
        if progress is not None:
            try:
                getattr(progress, how)([stands_for(card)])
            except (DrillError, OSError) as exc:
                self._store_status(f"not {how.rstrip('e')}ed: {_reason(exc)}", "bold red")
                return
        self.session.set_aside()
        self.show_card()
        if self.session.current is not None:
            self._store_status(f"the last card was {said}", "dim")

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        """A choice is answered by its numbers: one key for a single answer,
        Enter after the numbers for several."""
        card = self.session.current
        if card is None or card.kind != "choice" or self.phase != "answering" or self.saving:
            return
        text = event.text_area.text
        if "\n" in text:
            event.text_area.text = text.replace("\n", "")
            if event.text_area.text.strip():
                self.action_submit()
        elif len(card.answer) == 1 and chosen(card, text) is not None:
            self.action_submit()

    def action_next(self) -> None:
        if self.phase == "reading":
            self.action_submit()  # the first sight is recorded as read, then the next card
            return
        if self.phase != "judged":
            return
        self.session.next()
        self.show_card()

    def action_leave(self) -> None:
        if self.typed_unsubmitted():
            self.app.push_screen(ConfirmLeave("end the session"), self._leave_chosen)
            return
        self.finish()

    def _leave_chosen(self, leave: bool | None) -> None:
        if leave:
            self.finish()
        else:
            self.query_one(AnswerArea).focus()

    def finish(self) -> None:
        from drill.tui.screens.summary import SummaryScreen, when

        if self.saving:
            return  # the answer is being written: it lands or fails first

        if not self.session.answered:  # nothing to sum up
            self.app.show_decks()
            return
        next_due = ""
        progress = getattr(self.app, "progress", None)
        if progress is not None:
            ids = {c.id for c in self.session.cards}
            due = progress.next_due(ids)
            next_due = when(due) if due else ""
        names = {fw.id: fw.name for deck in getattr(self.app, "decks", []) for fw in deck.frameworks}
        self.app.switch_screen(SummaryScreen(self.session.summary(), next_due, names))


class ConfirmLeave(ModalScreen[bool]):
    """A typed answer is not submitted: leave without it, or stay."""

    BINDINGS = [Binding("y", "choose(True)", "Leave without it"),
                Binding("n", "choose(False)", "Stay"),
                Binding("escape", "choose(False)", "Stay", show=False)]

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-leave"):
            yield Static(Text("Your typed answer is not submitted.", style="bold"))
            yield Static(Text(f"y: {self.what} without it · n: stay (Ctrl+S submits it)"))
        yield Footer()

    def action_choose(self, leave: bool) -> None:
        self.dismiss(leave)


def _reason(exc: Exception) -> str:
    """One line for a store error: drill's own message, or the system's."""
    if isinstance(exc, DrillError):
        return str(exc)
    return exc.strerror or str(exc)
