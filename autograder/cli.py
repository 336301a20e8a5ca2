"""``rnn-course``: the course's command line. ``rnn-course COMMAND --help`` explains each."""
import argparse
import importlib
import sys

# Each module adds its own sub-command through add_parser(subparsers).
COMMANDS = [
    "autograder.demo",
    "autograder.commands",
    "autograder.bundle",
    "autograder.lectures",
    "autograder.grading.command",
    "autograder.grading.class_commands",
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
