-- core: the extension itself.
SELECT success_version();
SELECT success_version() GLOB '[0-9]*.[0-9]*.[0-9]*';
SELECT success_version(1);
SELECT count(*) FROM pragma_function_list WHERE name = 'success_version';
