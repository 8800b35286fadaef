"""The command line: argparse and every writer for humans."""
