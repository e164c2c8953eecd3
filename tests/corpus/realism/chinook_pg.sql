-- Chinook in the style of its public PostgreSQL port: tracks with milliseconds and bytes
CREATE TABLE artist (
    artist_id INT NOT NULL PRIMARY KEY,
    name VARCHAR(120)
);
CREATE TABLE album (
    album_id INT NOT NULL PRIMARY KEY,
    title VARCHAR(160) NOT NULL,
    artist_id INT NOT NULL REFERENCES artist (artist_id)
);
CREATE TABLE genre (
    genre_id INT NOT NULL PRIMARY KEY,
    name VARCHAR(120)
);
CREATE TABLE media_type (
    media_type_id INT NOT NULL PRIMARY KEY,
    name VARCHAR(120)
);
CREATE TABLE track (
    track_id INT NOT NULL PRIMARY KEY,
    name VARCHAR(200) NOT NULL,
    album_id INT REFERENCES album (album_id),
    media_type_id INT NOT NULL REFERENCES media_type (media_type_id),
    genre_id INT REFERENCES genre (genre_id),
    composer VARCHAR(220),
    milliseconds INT NOT NULL,
    bytes INT,
    unit_price NUMERIC(10,2) NOT NULL
);
CREATE TABLE employee (
    employee_id INT NOT NULL PRIMARY KEY,
    last_name VARCHAR(20) NOT NULL,
    first_name VARCHAR(20) NOT NULL,
    title VARCHAR(30),
    reports_to INT REFERENCES employee (employee_id),
    birth_date TIMESTAMP,
    hire_date TIMESTAMP,
    address VARCHAR(70),
    city VARCHAR(40),
    state VARCHAR(40),
    country VARCHAR(40),
    postal_code VARCHAR(10),
    phone VARCHAR(24),
    fax VARCHAR(24),
    email VARCHAR(60)
);
CREATE TABLE customer (
    customer_id INT NOT NULL PRIMARY KEY,
    first_name VARCHAR(40) NOT NULL,
    last_name VARCHAR(20) NOT NULL,
    company VARCHAR(80),
    address VARCHAR(70),
    city VARCHAR(40),
    state VARCHAR(40),
    country VARCHAR(40),
    postal_code VARCHAR(10),
    phone VARCHAR(24),
    fax VARCHAR(24),
    email VARCHAR(60) NOT NULL,
    support_rep_id INT REFERENCES employee (employee_id)
);
CREATE TABLE invoice (
    invoice_id INT NOT NULL PRIMARY KEY,
    customer_id INT NOT NULL REFERENCES customer (customer_id),
    invoice_date TIMESTAMP NOT NULL,
    billing_address VARCHAR(70),
    billing_city VARCHAR(40),
    billing_state VARCHAR(40),
    billing_country VARCHAR(40),
    billing_postal_code VARCHAR(10),
    total NUMERIC(10,2) NOT NULL
);
CREATE TABLE invoice_line (
    invoice_line_id INT NOT NULL PRIMARY KEY,
    invoice_id INT NOT NULL REFERENCES invoice (invoice_id),
    track_id INT NOT NULL REFERENCES track (track_id),
    unit_price NUMERIC(10,2) NOT NULL,
    quantity INT NOT NULL
);
CREATE TABLE playlist (
    playlist_id INT NOT NULL PRIMARY KEY,
    name VARCHAR(120)
);
CREATE TABLE playlist_track (
    playlist_id INT NOT NULL REFERENCES playlist (playlist_id),
    track_id INT NOT NULL REFERENCES track (track_id),
    PRIMARY KEY (playlist_id, track_id)
);
