"""``rnn-course``: the course's command line. ``rnn-course COMMAND --help`` explains each."""
import argparse
import importlib
import sys

# Each module adds its own sub-command through add_parser(subparsers).
COMMANDS = [
    "autograder_instructor.demo",
    "autograder_instructor.commands",
    "autograder_instructor.bundle",
    "autograder_instructor.lectures",
    "autograder_instructor.grading.command",
    "autograder_instructor.grading.similarity.command",
    "autograder_instructor.grading.class_commands",
]


def parser():
    p = argparse.ArgumentParser(prog="rnn-course", description=__doc__)
    sub = p.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(name).add_parser(sub)
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    result = args.handler(args)
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
