-- Sellers from San Diego and what they listed
select u.firstname, u.lastname, sum(l.numtickets) as tickets_listed
from users u
join listing l on l.sellerid = u.userid
where u.city = 'San Diego'
group by u.firstname, u.lastname
order by tickets_listed desc
limit 10;
