"""DrillApp and make_app(), the one factory the command line and the tests share.

Slow work stays off the UI thread: the decks come from the deck cache by
their paths before the first frame (a file the cache does not know is read
in a worker), every deck file is checked in a worker once that frame is
painted, and the grader's lazy loads (OpenCC, rapidfuzz, pypinyin's table,
fsrs) are paid in a worker after it.
"""

from __future__ import annotations

import gc
import time
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from drill.core.errors import DrillError

if TYPE_CHECKING:
    from drill.core.deck import Card, Deck


# The name the deck list is installed under (see DrillApp.show_decks).
DECKS_SCREEN = "decks"


class DrillCommands(Provider):
    """Every action of the app that applies on the current screen, in the
    command palette: all of them listed before anything is typed, and
    matched as the trainee types; drill's own first, then Textual's
    (theme, keys, screenshot, quit). One provider, so the order is fixed."""

    # (name, action, the screens it applies on (None: everywhere), its key)
    ACTIONS = [
        ("Drill the chosen decks (or the one under the cursor)", "start_chosen", ("DecksScreen",),
         "enter on the decks"),
        ("Drill everything due", "all_due", None, "a on the decks"),
        ("Study more: more new cards today", "study_more", ("DecksScreen",), "m on the decks"),
        ("Session size: all, 10, 20 or 50 cards", "session_size", ("DecksScreen",), "z on the decks"),
        ("End this session and see its summary", "end_session", ("DrillScreen",), "escape"),
        ("Bury this card until tomorrow", "screen.bury_card", ("DrillScreen",), "f5"),
        ("Suspend this card (drill unsuspend brings it back)", "screen.suspend_card", ("DrillScreen",), "f6"),
        ("Show stats", "stats", None, "s on the decks"),
        ("Switch trainee", "switch_profile", None, "p on the decks"),
        ("Settings: desired retention, new cards a day, theme", "settings", None, "o on the decks"),
        ("Back to the decks", "decks", ("DrillScreen", "SummaryScreen", "StatsScreen"),
         "escape on the stats, enter on a summary"),
        ("Help: every key", "help", None, "f1"),
    ]

    def _commands(self):
        """(name, callback, help, shown before typing) of every command that applies here."""
        here = type(self.screen).__name__
        for name, action, screens, key in self.ACTIONS:
            if screens is None or here in screens:
                yield name, self._runner(action), f"key: {key}", True
        for command in self.app.get_system_commands(self.screen):
            yield command.title, command.callback, command.help, command.discover

    async def discover(self) -> Hits:
        for name, callback, help, shown in self._commands():
            if shown:
                yield DiscoveryHit(name, callback, help=help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help, _ in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help)

    def _runner(self, action: str):
        async def run() -> None:
            await self.app.run_action(action)
        return run


def theme_names() -> list[str]:
    """The themes the app can show, by name (what `drill settings --theme` takes)."""
    return sorted(DrillApp([]).available_themes)


class DrillApp(App):
    # how often, in seconds, the app looks for a change another drill made to
    # the store (`drill settings` in another terminal)
    STORE_POLL_S = 1.0
    # how long after the first screen is painted the grader's lazy loads
    # (OpenCC, rapidfuzz, pypinyin's table) are paid, in a thread
    WARM_AFTER_S = 0.5
    CSS_PATH = "drill.tcss"
    TITLE = "drill"
    SUB_TITLE = "提法 flashcards"
    COMMANDS = {DrillCommands}
    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
        # Ctrl+C quits too, as in any terminal program; every answer is already saved
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
    ]

    async def action_quit(self) -> None:
        """Quit, but ask first when a typed answer is not submitted yet."""
        from drill.tui.screens.drill import ConfirmLeave, DrillScreen

        screen = self.screen
        if isinstance(screen, DrillScreen) and screen.typed_unsubmitted():
            def chosen(leave: bool | None) -> None:
                if leave:
                    self.exit()

            self.push_screen(ConfirmLeave("quit"), chosen)
            return
        if isinstance(screen, ConfirmLeave):
            self.exit()  # asked twice: quit
            return
        self.exit()

    def __init__(self, deck_dirs: list[Path], user: str | None = None, class_name: str | None = None) -> None:
        super().__init__()
        self.deck_dirs = deck_dirs
        self.user = user
        # the class whose instructor's view the app opens on (drill class view); an
        # instructor's login opens on the first class they teach without it
        self.class_name = class_name
        self.decks: list[Deck] = []
        self.deck_errors: list[str] = []
        self.progress = None
        self.seen_settings = None  # the store's settings as the app last read them
        self.store_trouble = ""  # what went wrong at the last look at the store
        self.applying_theme = False  # showing the store's theme: nothing to save
        self.session = None
        self.session_size = 0  # cards in a session; 0: all of today's queue
        self.error = ""
        self._warming = False
        self._deck_check = None  # the start's check of the decks the cache gave, until it is back
        self._collector_held = False  # run() holds the cycle collector until the first screen is painted
        # exams (a PostgreSQL store): the one to take when the store opens (`drill exam take`), the
        # clock an exam's timer counts by, the trainee's open exams as last looked up
        self.exam_to_take: tuple[str, str | None] | None = None
        self.exam_clock = time.monotonic
        self.open_exams: list = []
        self._looking_for_exams = False
        from drill.tui.screens.decks import DeckCountsCache

        self.deck_counts_cache = DeckCountsCache()  # the deck list's counts, kept between its showings

    # --- start -------------------------------------------------------------

    def run(self, *args, **kwargs):
        """Run the app as the program. What is made before its first screen
        (the modules, the app, the decks, the store) lasts as long as the
        program: Python's cycle collector waits until that screen is
        painted, then leaves all of it out of its rounds (a round over all
        of it takes tens of milliseconds, and the start would pay several)."""
        if gc.isenabled():
            gc.disable()
            self._collector_held = True
        try:
            return super().run(*args, **kwargs)
        finally:
            self._settle()

    def _settle(self) -> None:
        """The first screen is painted: what exists now is kept out of the
        cycle collector's rounds, which start again (see :meth:`run`)."""
        if self._collector_held:
            self._collector_held = False
            gc.freeze()
            gc.enable()

    def on_mount(self) -> None:
        # Each answer is recorded when it is submitted, so a closed terminal
        # (SIGHUP) or Ctrl+C ends the app without losing an answered card.
        from drill.core import deck as decks
        from drill.core import store

        # the decks from the deck cache, by their paths (no file read), before
        # the first frame; a start with files the cache does not know reads
        # them in a thread while that frame is painted, and so does one whose
        # progress is on a server (which is asked whether this is an instructor)
        try:
            local = store.server() is None
        except DrillError:
            local = False  # (opening the store says what is wrong)
        known = decks.recall_all(self.deck_dirs, read=False) if local else None
        if known is not None:
            self._decks_loaded(*known)
        else:
            self.load_decks()
        self.set_interval(self.STORE_POLL_S, self.poll_store, name="store poll")

    @work(thread=True, exclusive=True, group="decks")
    def load_decks(self) -> None:
        """The decks, those the deck cache has not seen read from their files
        (the others as it last found them: every file is checked once the
        first screen is painted, :meth:`check_decks`)."""
        from drill.core import deck as decks

        got = decks.recall_all(self.deck_dirs)
        assert got is not None  # (files are read)
        teaching = self._teaching()
        self.call_from_thread(self._decks_loaded, *got, teaching)

    @work(thread=True, group="deck check")
    def check_decks(self, check) -> None:
        """Read every deck file: a deck edited since the cache last saw it
        (before this start, or during it) shows as it is now."""
        try:
            found, errors = check.run()
        except Exception as exc:  # (a folder gone: the decks shown stay)
            self.call_from_thread(self.notify, f"could not read the decks again: {exc}", title="drill",
                                  markup=False, severity="warning")
            return
        self.call_from_thread(self._decks_checked, check, found, errors)

    def _decks_checked(self, check, found: list[Deck], errors: list[str]) -> None:
        if check is not self._deck_check:
            return
        self._deck_check = None
        if errors == self.deck_errors and len(found) == len(self.decks) and all(
                a is b for a, b in zip(found, self.decks)):
            return  # every file was what the cache said
        self.decks = found
        self.deck_errors = errors
        if self.progress is not None:
            try:
                self.progress.adopt(self.decks)
            except DrillError as exc:
                self.notify(f"{exc}: answers may not be saved", severity="warning", timeout=15)
        from drill.tui.screens.decks import DecksScreen

        for screen in self.screen_stack:
            if isinstance(screen, DecksScreen):
                screen.refresh_decks()

    @property
    def decks_checked(self) -> bool:
        """Whether every deck shown is its file's content (the start's check is back)."""
        return self._deck_check is None and self.progress is not None

    def checked(self, decks: list[Deck]) -> list[Deck]:
        """``decks`` as their files are now, while the start's check of them
        has not come back: a deck edited since the cache saw it is read again
        (and replaces the one the app holds); one that no longer loads is left
        out, and said."""
        check = self._deck_check
        if check is None:
            return decks
        out = []
        for deck in decks:
            try:
                now = check.verify(deck)
            except DrillError as exc:
                self.notify(str(exc), title="drill", markup=False, severity="error")
                continue
            if now is not deck:
                self.decks = [now if d is deck else d for d in self.decks]
            out.append(now)
        return out

    def _teaching(self) -> tuple[str, list[str]] | None:
        """(the class to view, the classes the login may view) when the app
        opens on the instructor's view: a class asked for, or an instructor's
        login (which records no progress); None: the deck list."""
        from drill.core import store

        try:
            url = store.server()
            if url is None:
                return None
            from drill.core import instructor, pg_access

            me = instructor.login(url)
            if me is not None and me.kind == pg_access.TRAINEE and self.user is None:
                self.user = me.name  # a trainee's own login: no one to ask who is drilling
            if self.class_name is None and (me is None or me.kind != pg_access.INSTRUCTOR):
                return None
            classes = instructor.taught(url)
        except DrillError:
            return None  # opening the store says what is wrong, in one line
        name = self.class_name or (classes[0] if classes else "")
        return name, classes

    def _warm_later(self) -> None:
        """Once the first screen is painted, load the grader in a while: a
        trainee reads the list and types an answer before one is graded,
        and the start pays nothing for it."""
        if not self._warming:
            self._warming = True
            self.call_after_refresh(self.set_timer, self.WARM_AFTER_S, self.warm_grader, name="warm grader")

    @work(thread=True, group="warm")
    def warm_grader(self) -> None:
        """What the first answer would load otherwise: the grader's libraries,
        fsrs and its scheduler, the reference deck and its items as the grader
        compares them (an answer's intrusions are looked for among them)."""
        import datetime as dt

        from drill.core import grading, reference, scheduler

        grading.warm()
        settings = self.seen_settings if self.seen_settings is not None else scheduler.Settings()
        scheduler.review(None, scheduler.Rating.GOOD, dt.datetime.now(dt.UTC), settings)
        for fw in reference.frameworks():  # (what a choice's options are drawn from, too)
            for item in fw.items:
                grading.key(item)

    # the cards at the head of a session whose answers' intrusions are looked up ahead
    WARM_CARDS = 10

    @work(thread=True, group="warm session")
    def warm_session(self, session) -> None:
        """The other frameworks' items the first answers of ``session`` are
        compared with, made ahead (as the grader compares them) while the
        first card is read."""
        from drill.core import grading

        if session.intruders is None:
            return
        for card in session.cards[:self.WARM_CARDS]:
            for items in session.intruders(card).values():
                for item in items:
                    grading.key(item)

    def _decks_loaded(self, found: list[Deck], errors: list[str], check=None,
                      teaching: tuple[str, list[str]] | None = None) -> None:
        self.decks = found
        self.deck_errors = errors
        self._deck_check = check
        self.call_after_refresh(self._settle)  # (after the deck list or the choice of a trainee is painted)
        if check is not None:
            self.call_after_refresh(self.check_decks, check)
        if teaching is not None:
            self.show_class(*teaching)
            return
        if self.user is None:
            from drill.tui.screens.profile import ProfileScreen

            self.push_screen(ProfileScreen(self.known_profiles()), self._profile_chosen)
            return
        self._open_progress()

    def known_profiles(self) -> list[str]:
        from drill.core import store

        try:
            return store.profiles()
        except DrillError as exc:  # the progress server went away since drill started
            self.notify(f"cannot list the trainees: {exc}", title="drill", markup=False, severity="error")
            return []

    def _profile_chosen(self, name: str | None) -> None:
        if not name:
            self.exit()
            return
        self.user = name
        self._open_progress()

    def _open_progress(self) -> None:
        from drill.core import store

        try:
            self.progress = store.Store.open(self.user)
            self.user = self.progress.person or self.user  # a trainee's login opens their own progress
            self.seen_settings = self.progress.settings
            self.apply_theme(self.seen_settings.theme)
        except DrillError as exc:
            # a damaged or busy store: say so and stop, leaving the file as it is
            self.error = str(exc)  # printed by the command after the screen is restored
            self.exit(return_code=1)
            return
        try:
            self.progress.adopt(self.decks)  # progress filed under each deck's id
            if store.last_profile() != self.user:  # (written, and its folder synced, only when it changes)
                store.set_last_profile(self.user)
        except DrillError as exc:
            # a read-only or full home: drilling goes on, and each answer says if it was not saved
            self.notify(f"{exc}: answers may not be saved", severity="warning", timeout=15)
        self.show_decks()
        self._warm_later()
        if self.exam_to_take is not None:
            self.user = getattr(self.progress, "name", None) or self.user  # the login's own name
            name, class_name = self.exam_to_take
            self.exam_to_take = None
            self.take_exam(name, class_name)
        else:
            self.look_for_exams()

    # --- settings --------------------------------------------------------

    def apply_theme(self, name: str) -> None:
        """Show the trainee's theme ``name``, or the default if the app lacks it
        (a store may name one it does not have: that name stays stored)."""
        from drill.core.scheduler import DEFAULT_THEME

        wanted = name if name in self.available_themes else DEFAULT_THEME
        if wanted != self.theme:
            self.applying_theme = True
            try:
                self.theme = wanted
            finally:
                self.applying_theme = False

    def watch_theme(self, theme: str) -> None:
        """A theme chosen in the app (the settings or the palette's Theme) is saved."""
        if self.applying_theme or self.progress is None or self.progress.readonly \
                or self.progress.settings.theme == theme:
            return
        try:
            self.seen_settings = self.progress.update_settings(theme=theme)
        except DrillError as exc:
            self.notify(f"theme not saved: {exc}", title="drill", markup=False, severity="error")

    def check_store(self) -> None:
        """Take in a change to the settings made elsewhere (`drill settings`):
        the theme shows, the decks' counts follow the new-card limit."""
        if self.progress is None:
            return
        try:
            self.progress.reread()
            settings = self.progress.settings
        except DrillError as exc:
            if str(exc) != self.store_trouble:  # said once, not at every look
                self.store_trouble = str(exc)
                self.notify(f"could not read the progress store: {exc}", title="drill", markup=False,
                            severity="error")
            return
        self.store_trouble = ""
        if settings == self.seen_settings:
            return
        self.seen_settings = settings
        self.settings_changed()

    def poll_store(self) -> None:
        """The app's look at the store, every STORE_POLL_S: a deck list on
        show follows what another drill answered (it counts nothing when
        nothing changed)."""
        from drill.tui.screens.decks import DecksScreen

        self.check_store()
        if isinstance(self.screen, DecksScreen):
            self.screen.refresh_decks()

    def settings_changed(self) -> None:
        from drill.tui.screens.decks import DecksScreen

        self.apply_theme(self.progress.settings.theme)
        for screen in self.screen_stack:
            if isinstance(screen, DecksScreen):
                screen.refresh_decks()

    def action_settings(self) -> None:
        from drill.tui.screens.settings import SettingsScreen

        if self.progress is None or isinstance(self.screen, SettingsScreen):
            return
        self.check_store()  # the dialog opens on the settings as they are now

        def closed(saved: bool | None) -> None:
            if saved:
                self.seen_settings = self.progress.settings
                self.settings_changed()

        self.push_screen(SettingsScreen(), closed)

    # --- navigation --------------------------------------------------------

    def show_decks(self) -> None:
        from drill.tui.screens.decks import DecksScreen

        if self.progress is None:
            return
        # one deck list for the app's life, kept while other screens show:
        # going back to it redraws it, and counts only what changed
        if not self.is_screen_installed(DECKS_SCREEN):
            self.install_screen(DecksScreen(), DECKS_SCREEN)
        screen = self.get_screen(DECKS_SCREEN)
        if screen in self.screen_stack:
            while self.screen is not screen:
                self.pop_screen()
            screen.refresh_decks()  # (another trainee's, when it comes back from the choice of one)
        elif len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def show_class(self, name: str, classes: list[str]) -> None:
        """The instructor's view of the class ``name`` (of ``classes``, those the login may view)."""
        from drill.core import store
        from drill.tui.screens.instructor import InstructorScreen

        if not name:
            self.error = "this login teaches no class yet: the administrator adds instructors with " \
                         "drill class add CLASS --instructor NAME"
            self.exit(return_code=1)
            return
        url = store.server()
        if url is None:
            return
        self.push_screen(InstructorScreen(url, name, classes))

    def show(self, screen) -> None:
        """Show ``screen`` in place of the one on show; over the deck list,
        which stays beneath it, so that going back to the list is a pop,
        which redoes nothing of it."""
        if self.is_screen_installed(DECKS_SCREEN) and self.screen is self.get_screen(DECKS_SCREEN):
            self.push_screen(screen)
        elif len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def start_session(self, decks: list[Deck], due_only: bool = False) -> None:
        from drill.core.session import Session
        from drill.tui.screens.drill import DrillScreen

        decks = self.checked(decks)
        intruders = self.intruders()
        teach = self.learning(intruders)
        cards = self.progress.queue(decks, due_only=due_only, teach=teach)
        if not cards:
            self.notify(self._nothing_to_drill(decks, due_only), title="drill", markup=False, timeout=8)
            return
        if self.session_size:
            cards = cards[:self.session_size]  # due cards first: the queue's own order
        self.session = Session(cards, recorder=self.progress, intruders=intruders, learning=teach)
        self.show(DrillScreen(self.session))
        self.call_after_refresh(self.warm_session, self.session)  # (once the card is painted)

    # --- exams ---------------------------------------------------------------

    def look_for_exams(self) -> None:
        """Look up the trainee's open exams (a PostgreSQL store only), for the
        deck list's Exams key: in a worker, started only when there is a
        server to ask (the start pays neither a thread nor psycopg's import
        without one); a look under way is not started again (nor cancelled
        by the next)."""
        from drill.core import store

        try:
            url = store.server()
        except DrillError:
            return  # (opening the store said what is wrong)
        if url is None or self._looking_for_exams:
            return
        self._looking_for_exams = True
        self._look_up_exams(url)

    @work(thread=True, group="exam lookup", exit_on_error=False)
    def _look_up_exams(self, url: str) -> None:
        from drill.core import pg_exam

        found: list = []  # on any trouble the deck list goes on without its Exams key
        try:
            found = pg_exam.open_exams(url)
        except DrillError:
            pass
        finally:
            self.call_from_thread(self._exams_found, found)

    def _exams_found(self, found: list) -> None:
        from drill.tui.screens.decks import DecksScreen

        self._looking_for_exams = False
        self.open_exams = found
        for screen in self.screen_stack:
            if isinstance(screen, DecksScreen):
                screen.show_exams()

    def action_exams(self) -> None:
        """Take an open exam: the one there is, or the one chosen."""
        from drill.tui.screens.exam import ChooseExam

        found = list(self.open_exams)
        if not found:
            return
        if len(found) == 1:
            self.take_exam(found[0].exam.name, found[0].exam.class_name)
            return

        def chosen(picked: str | None) -> None:
            if picked is not None:
                listing = found[int(picked)]
                self.take_exam(listing.exam.name, listing.exam.class_name)

        self.push_screen(ChooseExam(found), chosen)

    @work(thread=True, group="exam start")
    def take_exam(self, name: str, class_name: str | None = None) -> None:
        """Start (or resume) the exam on the server, then show it."""
        from drill.core import pg_exam, store

        url = store.server()
        try:
            if url is None:
                raise DrillError("exams need a PostgreSQL progress store")
            attempt = pg_exam.start(url, name, class_name, clock=self.exam_clock)
        except DrillError as exc:
            self.call_from_thread(self.notify, f"cannot take the exam: {exc}", title="drill", markup=False,
                                  severity="error", timeout=15)
            return
        self.call_from_thread(self._exam_started, attempt)

    def _exam_started(self, attempt) -> None:
        from drill.tui.screens.exam import ExamScreen

        self.show(ExamScreen(attempt, intruders=self.intruders(), store=self.progress))

    def exam_closed(self) -> None:
        """Back from an exam to the deck list."""
        self.show_decks()
        self.look_for_exams()

    def intruders(self):
        """Other frameworks' items by name, for naming what an answer confuses:
        the decks drill found (the reference deck among them when bundled)."""
        from drill.core import reference
        from drill.core.session import Intruders

        return Intruders(list(self.decks), reference.frameworks)  # the reference deck read when first needed

    def learning(self, intruders):
        """The cards of each learning stage, their choices drawn from ``intruders``."""
        from drill.core.learning import Learning

        return Learning(list(self.decks), intruders)

    def _nothing_to_drill(self, decks: list[Deck], due_only: bool) -> str:
        """Why an empty queue is empty, in the store's own numbers, and what to do."""
        from drill.tui.screens.summary import when

        new = sum(self.progress.deck_counts(deck).unseen for deck in decks)
        per_day = self.progress.settings.new_per_day + self.progress.more_new_today()
        left = max(0, per_day - self.progress.new_seen_today())
        if due_only and new and left:
            said = f"Nothing due now; {new} new cards wait: Enter on a deck starts them."
        elif new and not left:
            said = (f"Nothing due in these decks, and today's {per_day} new "
                    f"card{'s are' if per_day != 1 else ' is'} done.")
        else:
            said = "Nothing due in these decks now."
        due = self.progress.next_due({c.id for d in decks for c in d.cards()})
        if due and not (due_only and new and left):
            said += f" The next card is due {when(due)}."
        elif new and not left:
            said += " More new cards tomorrow, or press m to study more today."
        return said

    def quote_for(self, card: Card) -> str:
        for deck in self.decks:
            if deck.id == card.deck:
                for fw in deck.frameworks:
                    if fw.id == card.framework:
                        return fw.quote
        return ""

    def action_start_chosen(self) -> None:
        from drill.tui.screens.decks import DecksScreen

        if isinstance(self.screen, DecksScreen):
            self.screen.action_start()

    def action_end_session(self) -> None:
        from drill.tui.screens.drill import DrillScreen

        if isinstance(self.screen, DrillScreen):
            self.screen.finish()

    def action_decks(self) -> None:
        self.show_decks()

    def action_study_more(self) -> None:
        from drill.tui.screens.decks import DecksScreen

        if isinstance(self.screen, DecksScreen):
            self.screen.action_study_more()

    def action_session_size(self) -> None:
        from drill.tui.screens.decks import DecksScreen

        if isinstance(self.screen, DecksScreen):
            self.screen.action_session_size()

    def action_all_due(self) -> None:
        if self.decks and self.progress is not None:
            self.start_session(list(self.decks), due_only=True)

    def action_help(self) -> None:
        from drill.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    def action_stats(self) -> None:
        from drill.tui.screens.stats import open_stats

        if self.progress is None:
            return
        self.show(open_stats(self))

    def drill_framework(self, framework_id: str) -> None:
        """Drill every card of one framework now, due or not (from the weakest list)."""
        from drill.core.session import Session
        from drill.tui.screens.drill import DrillScreen

        cards = [c for d in self.checked(list(self.decks)) for c in d.cards() if c.framework == framework_id]
        if not cards:
            self.notify("That framework is no longer in any deck.", title="drill")
            return
        self.session = Session(cards, recorder=self.progress, intruders=self.intruders())
        self.show(DrillScreen(self.session))

    def action_switch_profile(self) -> None:
        from drill.tui.screens.profile import ProfileScreen

        self.push_screen(ProfileScreen(self.known_profiles()), self._profile_switched)

    def _profile_switched(self, name: str | None) -> None:
        if name and name != self.user:
            self.user = name
            self._open_progress()


def make_app(deck_dirs: list[Path] | None = None, user: str | None = None,
             class_name: str | None = None) -> DrillApp:
    """The app on the bundled decks, the user's own and ``deck_dirs``.

    With no ``user`` the app starts with the last trainee who drilled here,
    or asks for a name the first time. With ``class_name`` (or on an
    instructor's login) it opens on the instructor's view of the class.
    """
    from drill import paths
    from drill.core import store

    user = user or store.last_profile()
    return DrillApp(paths.deck_dirs(deck_dirs or []), user=user, class_name=class_name)


def make_author_app(speech: Path, deck_path: Path, text: str, encoding: str = "utf-8", earlier=None):
    """The review of one speech's candidates (`drill author`), saving to ``deck_path``;
    ``earlier`` is the deck already there, whose decisions are kept."""
    from drill.tui.screens.author import AuthorApp

    return AuthorApp(Path(speech), Path(deck_path), text, encoding, earlier)
