"""/route: the teacher's ИОМ."""
