"""Instructor commands: build, release, golden, check."""
import sys


def _build(args):
    from .build import COURSE, build_all
    from .release import say_course
    say_course(COURSE)  # authoring specs and solutions/ live in the repository's course only
    changed = build_all(args.assignments or None, write=not args.check)
    for path in changed:
        print(("out of date: " if args.check else "wrote ") + str(path))
    return 1 if (args.check and changed) else 0


def _release(args):
    from .release import chosen_course, release
    course = chosen_course(args)
    for path in release(args.assignments or None, out=args.out, course=course):
        print(f"released {path}")
    return 0


def _golden(args):
    from . import golden
    kinds = [k for k in ("keras", "visible") if getattr(args, k)] or ["keras", "visible"]
    if args.check:
        problems = []
        if "visible" in kinds:
            problems += golden.check_visible(args.assignments or None)
        if "keras" in kinds:
            problems += golden.check_keras(args.assignments or None)
        for p in problems:
            print(p)
        print("golden values are up to date" if not problems else f"{len(problems)} problems")
        return 1 if problems else 0
    if "keras" in kinds:
        for path in golden.write_keras(args.assignments or None):
            print(f"wrote {path}")
    if "visible" in kinds:
        for path in golden.write_visible(args.assignments or None):
            print(f"wrote {path}")
    return 0


def add_parser(sub):
    from .release import add_course_option
    p = sub.add_parser("build", help="build course/source notebooks from course/authoring and solutions/",
                       description="Rebuild the instructor notebooks from their authoring specs and "
                                   "the reference solutions (the only hand-written copy of the answers).")
    p.add_argument("assignments", nargs="*", help="assignment ids (default: all)")
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 if a notebook is out of date")
    p.set_defaults(handler=_build)

    p = sub.add_parser("release", help="build, run nbgrader generate_assignment, write assignments/",
                       description="Build the instructor notebooks, release them with plain nbgrader "
                                   "in a temporary copy of the course, and write the student notebooks "
                                   "(without outputs) to assignments/.")
    p.add_argument("assignments", nargs="*", help="assignment ids (default: all)")
    p.add_argument("--out", help="write here instead of assignments/ beside the course folder")
    add_course_option(p)
    p.set_defaults(handler=_release)

    p = sub.add_parser("golden", help="compute (or --check) Keras golden values and visible cases",
                       description="Recompute the Keras golden values (imports TensorFlow) and the "
                                   "visible checks' cases, or with --check compare them with the "
                                   "stored files and exit 1 on any difference.")
    p.add_argument("assignments", nargs="*", help="assignment ids (default: all)")
    p.add_argument("--check", action="store_true", help="compare instead of writing")
    p.add_argument("--keras", action="store_true", help="only the Keras golden values")
    p.add_argument("--visible", action="store_true", help="only the visible cases")
    p.set_defaults(handler=_golden)
